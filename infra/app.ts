/** `cdk synth` / `cdk deploy`: the gateway stack with cdk-nag's AWS Solutions and Serverless checks. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { InvalidContext, readDeploymentContext } from '#infra/context';
import { GatewayStack } from '#infra/stack';

export function buildApp(
  app = new App(),
  env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
): { app: App; stack: GatewayStack } {
  const deployment = readDeploymentContext(app.node.getAllContext());
  const stack = new GatewayStack(app, deployment.stackName, {
    deployment,
    env,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // The whole list of what to fix, without a stack trace in the way.
    if (!(error instanceof InvalidContext)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
