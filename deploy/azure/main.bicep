// =====================================================================================
//  UNTESTED EXAMPLE. It has never been deployed and never been compiled: the machine
//  this project is built on has no Azure subscription and no Bicep CLI. Read it as a
//  sketch of docs/deploy.md ("Azure Container Apps"), check it with `az bicep build`,
//  and review every value before using it.
// =====================================================================================
//
// zava's MCP endpoint on Azure Container Apps: a user-assigned managed identity (pulls the
// image from ACR, reads Key Vault secrets), a Container Apps environment with Log Analytics,
// the app (stateless replicas behind the platform's ingress, probes on /healthz, the analyst
// password mounted as a file), and a manual job running the database set-up.
// The database (PostgreSQL 18 + pgvector, roles zava_owner and zava_analyst) is expected to
// exist; see docs/deploy.md about managed PostgreSQL and the migrations' revokes.

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Name prefix of the resources.')
param name string = 'zava'

@description('Image in Azure Container Registry, e.g. myregistry.azurecr.io/zava:slim')
param image string

@description('Login server of the registry, e.g. myregistry.azurecr.io')
param registryServer string

@description('Resource ID of the registry (the identity gets AcrPull on it).')
param registryId string

@description('Host name of the PostgreSQL server.')
param databaseHost string

@description('Database name.')
param databaseName string = 'zava'

@description('Key Vault secret URIs (the identity needs "Key Vault Secrets User" on the vault).')
param analystPasswordSecretUri string
param ownerPasswordSecretUri string
param superuserPasswordSecretUri string
param azureOpenAIKeySecretUri string

@description('Superuser (or server administrator) role name for the migrations.')
param superuserName string = 'postgres'

@description('Azure OpenAI endpoint and embedding deployment.')
param azureOpenAIEndpoint string
param embeddingDeployment string = 'text-embedding-3-small'

@description('Entra ID token verification (issue 18): tenant and audience of the MCP resource. Empty: header mode.')
param azureTenantId string = ''
param azureAudience string = ''

@description('Replicas: at least one stays warm; scale out on concurrent requests.')
param minReplicas int = 1
param maxReplicas int = 5

@description('Pooled connections per replica: poolSize x maxReplicas must fit max_connections.')
param poolSize int = 4

var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
var databaseUrl = 'postgresql://zava_analyst@${databaseHost}:5432/${databaseName}?sslmode=require'
var embeddingEnv = [
  { name: 'ZAVA_EMBEDDING_PROVIDER', value: 'azure' }
  { name: 'AZURE_OPENAI_ENDPOINT', value: azureOpenAIEndpoint }
  { name: 'EMBEDDING_MODEL_DEPLOYMENT_NAME', value: embeddingDeployment }
  { name: 'AZURE_OPENAI_API_VERSION', value: '2024-02-01' }
  { name: 'ZAVA_EMBEDDING_DIMENSION', value: '1536' }
  // zava does not yet fetch managed-identity tokens for Azure OpenAI itself: the key, read
  // from Key Vault through the managed identity, is the credential (docs/deploy.md).
  { name: 'AZURE_OPENAI_API_KEY', secretRef: 'azure-openai-key' }
]
var tokenEnv = empty(azureTenantId) ? [] : [
  { name: 'AZURE_TENANT_ID', value: azureTenantId }
  { name: 'AZURE_AUDIENCE', value: azureAudience }
  { name: 'AUTH_RLS_CLAIM', value: 'rls_user_id' }
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

// The registry is expected in this resource group.
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: last(split(registryId, '/'))
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registryId, identity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [ acrPull ]
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8000
        transport: 'http'
        allowInsecure: false
      }
      registries: [ { server: registryServer, identity: identity.id } ]
      secrets: [
        { name: 'zava-analyst-password', keyVaultUrl: analystPasswordSecretUri, identity: identity.id }
        { name: 'azure-openai-key', keyVaultUrl: azureOpenAIKeySecretUri, identity: identity.id }
      ]
    }
    template: {
      containers: [
        {
          name: 'zava'
          image: image
          // The image's command: zava --serve --no-repl --stateless on 0.0.0.0:8000, uid 10001.
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: concat([
            { name: 'ZAVA_DATABASE_URL', value: databaseUrl }
            { name: 'ZAVA_PASSWORD_FILES', value: 'zava_analyst=/run/secrets/zava-analyst-password' }
            // The names clients use: the app's FQDN (and any custom domain). Others get 421.
            { name: 'ZAVA_ALLOWED_HOSTS', value: '${name}.${environment.properties.defaultDomain}' }
            { name: 'ZAVA_POOL_SIZE', value: string(poolSize) }
          ], embeddingEnv, tokenEnv)
          volumeMounts: [
            { volumeName: 'secrets', mountPath: '/run/secrets' }
            { volumeName: 'tmp', mountPath: '/tmp' }
          ]
          probes: [
            // Out of rotation while the database does not answer (/healthz: 503)...
            // Host: the Host check covers /healthz; a probe would otherwise name the replica's IP (421).
            { type: 'Startup', httpGet: { path: '/healthz', port: 8000, httpHeaders: [ { name: 'Host', value: 'localhost:8000' } ] }, periodSeconds: 1, failureThreshold: 30 }
            { type: 'Readiness', httpGet: { path: '/healthz', port: 8000, httpHeaders: [ { name: 'Host', value: 'localhost:8000' } ] }, periodSeconds: 5, failureThreshold: 3 }
            // ...but not restarted for it: liveness only asks whether the process listens.
            { type: 'Liveness', tcpSocket: { port: 8000 }, periodSeconds: 10, failureThreshold: 3 }
          ]
        }
      ]
      volumes: [
        { name: 'secrets', storageType: 'Secret', secrets: [ { secretRef: 'zava-analyst-password', path: 'zava-analyst-password' } ] }
        { name: 'tmp', storageType: 'EmptyDir' }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [ { name: 'http', http: { metadata: { concurrentRequests: '50' } } } ]
      }
    }
  }
}

// The set-up job: migrate (superuser), seed when empty and embed (owner). Start it after each
// release: az containerapp job start -n <name>-setup -g <group>
resource setup 'Microsoft.App/jobs@2024-03-01' = {
  name: '${name}-setup'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [ acrPull ]
  properties: {
    environmentId: environment.id
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: 1800
      replicaRetryLimit: 1
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 }
      registries: [ { server: registryServer, identity: identity.id } ]
      secrets: [
        { name: 'zava-analyst-password', keyVaultUrl: analystPasswordSecretUri, identity: identity.id }
        { name: 'zava-owner-password', keyVaultUrl: ownerPasswordSecretUri, identity: identity.id }
        { name: 'superuser-password', keyVaultUrl: superuserPasswordSecretUri, identity: identity.id }
        { name: 'azure-openai-key', keyVaultUrl: azureOpenAIKeySecretUri, identity: identity.id }
      ]
    }
    template: {
      containers: [
        {
          name: 'setup'
          image: image
          command: [ '/usr/local/bin/zava-entrypoint', '/usr/local/bin/zava-setup-db' ]
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: concat([
            { name: 'ZAVA_DATABASE_URL', value: databaseUrl }
            { name: 'ZAVA_ADMIN_DATABASE_URL', value: 'postgresql://zava_owner@${databaseHost}:5432/${databaseName}?sslmode=require' }
            { name: 'ZAVA_SUPERUSER_DATABASE_URL', value: 'postgresql://${superuserName}@${databaseHost}:5432/${databaseName}?sslmode=require' }
            { name: 'ZAVA_PASSWORD_FILES', value: 'zava_analyst=/run/secrets/zava-analyst-password zava_owner=/run/secrets/zava-owner-password ${superuserName}=/run/secrets/superuser-password' }
            { name: 'ZAVA_SEED_SCALE', value: '1' }
          ], embeddingEnv)
          volumeMounts: [
            { volumeName: 'secrets', mountPath: '/run/secrets' }
            { volumeName: 'tmp', mountPath: '/tmp' }
          ]
        }
      ]
      volumes: [
        {
          name: 'secrets'
          storageType: 'Secret'
          secrets: [
            { secretRef: 'zava-analyst-password', path: 'zava-analyst-password' }
            { secretRef: 'zava-owner-password', path: 'zava-owner-password' }
            { secretRef: 'superuser-password', path: 'superuser-password' }
          ]
        }
        { name: 'tmp', storageType: 'EmptyDir' }
      ]
    }
  }
}

output endpoint string = 'https://${app.properties.configuration.ingress.fqdn}/mcp'
