/**
 * The HTTP API: one `$default` stage with its throttle and JSON access log, an optional custom
 * domain, the two JWT authorizers (the players' issuer — the publisher's OpenID provider, or the
 * deployment itself serving the publisher's keys — and the staff issuer, for the operator routes
 * only), one route and integration per entry of the route table (shared/api/routes.ts), and the
 * identity settings the functions that serve them are given. Created in the stack's own scope,
 * with the ids they have always had.
 */
import { RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { DomainName, HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination, SecurityPolicy, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { functionList, type HttpFunctionName } from '#shared/api/functions';
import { routeList } from '#shared/api/routes';
import type { DeploymentContext } from '#infra/context';
import type { GatewayFunctions } from '#infra/stack/functions';

export class GatewayApi {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly domain: DomainName | undefined;
  /** What clients call: the custom domain, or the API's own endpoint. */
  readonly baseUrl: string;
  /** The `iss` of player and server tokens. */
  readonly playersIssuer: string;

  constructor(stack: Stack, parts: { deployment: DeploymentContext; functions: GatewayFunctions; key: IKey; logRetention: RetentionDays; logPrefix: string }) {
    const { deployment, functions } = parts;
    const accessLogs = new LogGroup(stack, 'ApiAccessLogs', {
      logGroupName: `${parts.logPrefix}/api-access`,
      retention: parts.logRetention,
      encryptionKey: parts.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A custom domain (regional; in the China regions it needs the account's ICP licence): clients,
    // the console and — with publisher keys — the issuer use it.
    this.domain = deployment.domainName
      ? new DomainName(stack, 'ApiDomain', {
          domainName: deployment.domainName,
          certificate: Certificate.fromCertificateArn(stack, 'ApiCertificate', deployment.certificateArn!),
          securityPolicy: SecurityPolicy.TLS_1_2,
        })
      : undefined;
    this.api = new HttpApi(stack, 'Api', {
      description: 'PlayGuard anti-addiction gateway',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: deployment.throttleRatePerSecond, burstLimit: deployment.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            requestTime: '$context.requestTime',
          }),
        ),
      },
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
    });
    this.baseUrl = this.domain ? `https://${deployment.domainName}` : this.api.apiEndpoint;
    // Players' and game servers' tokens: the publisher's OpenID provider, or with publisher keys the
    // deployment itself (its well-known routes serve the keys; API Gateway fetches them from there).
    this.playersIssuer = deployment.players.issuer === 'api' ? this.baseUrl : deployment.players.issuer;
    const authorizer = new HttpJwtAuthorizer('PublisherJwt', this.playersIssuer, {
      jwtAudience: [deployment.audience],
      identitySource: ['$request.header.Authorization'],
    });
    // Operators' tokens come from the staff issuer only: a player whose token says `scope: operator`
    // is refused on the operator routes before any function runs.
    const staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', deployment.operatorIssuer, {
      jwtAudience: [deployment.operatorAudience],
      identitySource: ['$request.header.Authorization'],
    });
    // What the functions that serve identity settings are given (shared/api/functions.ts `serves`).
    const served = {
      publisherKeys:
        deployment.players.kind === 'publisherKeys' ? { PUBLISHER_ISSUER: this.playersIssuer, PUBLISHER_JWKS: JSON.stringify(deployment.players.jwks) } : {},
      operatorSignIn: {
        OPERATOR_ISSUER: deployment.operatorIssuer,
        OPERATOR_CLIENT_ID: deployment.operatorClientId,
        OPERATOR_AUDIENCE: deployment.operatorAudience,
      },
    };
    for (const [name, spec] of functionList()) {
      if (spec.serves) for (const [k, v] of Object.entries(served[spec.serves])) functions.named(name).addEnvironment(k, v);
    }
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    for (const [operationId, route] of routeList()) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, functions.named(route.fn));
        integrations.set(route.fn, integration);
      }
      const created = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'none' ? new HttpNoneAuthorizer() : route.auth === 'operator' ? staffAuthorizer : authorizer,
        // Server-only and operator routes: API Gateway refuses a credential without the `server`
        // (`operator`) scope before any function runs.
        ...(route.auth === 'server' ? { authorizationScopes: ['server'] } : route.auth === 'operator' ? { authorizationScopes: ['operator'] } : {}),
      });
      if (route.auth === 'none') {
        created.forEach((r) =>
          Validations.of(r).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason: `${operationId} is public by design (the contract: no auth).` }),
        );
      }
    }
  }
}
