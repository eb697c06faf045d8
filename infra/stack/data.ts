/**
 * The stack's data: the customer-managed KMS key that encrypts everything, the single table
 * (shared/storage/tableDesign.ts) and the secret. Created in the stack's own scope, with the ids
 * they have always had, so their logical ids — a deployed table's above all — never change.
 */
import { RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { tableDesign } from '#shared/storage/tableDesign';

export class GatewayData {
  readonly key: Key;
  readonly table: TableV2;
  readonly secret: Secret;

  /** `logPrefix`: the stack's log groups, the only ones CloudWatch Logs may encrypt with the key. */
  constructor(stack: Stack, logPrefix: string) {
    this.key = new Key(stack, 'DataKey', {
      description:
        "PlayGuard: encrypts the table, the secret, queues, the alarm topic and logs (minors' personal information, 2019 Children's PI Regulations Art. 13)",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs may use the key only for this stack's own log groups.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logPrefix}/*` },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    const d = tableDesign;
    this.table = new TableV2(stack, 'Table', {
      partitionKey: { name: d.partitionKey, type: AttributeType.STRING },
      sortKey: { name: d.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      timeToLiveAttribute: d.timeToLiveAttribute,
      // The change stream the stats aggregator counts the operators' figures from (off every player's path).
      dynamoStream: d.streamViewType === 'NEW_AND_OLD_IMAGES' ? StreamViewType.NEW_AND_OLD_IMAGES : StreamViewType.NEW_IMAGE,
      globalSecondaryIndexes: d.indexes.map((i) => ({
        indexName: i.indexName,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
        projectionType: i.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      })),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.secret = new Secret(stack, 'Secrets', {
      description: 'PlayGuard: NPPA appId/bizId/secretKey (and previousSecretKey during rotation), the ID-number hashing pepper and the webhook signing secret',
      encryptionKey: this.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ nppaAppId: '', nppaBizId: '', nppaSecretKey: '', nppaPreviousSecretKey: '', webhookSecret: '' }),
        generateStringKey: 'pepper',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The NPPA appId/bizId/secretKey are issued by the regulator and rotated by the operator through the ' +
        'NPPA portal; the gateway accepts a previous key during rotation. Automatic rotation would break the integration.',
    });
  }
}
