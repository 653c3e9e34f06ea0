// The part of @kubernetes/client-node a run needs: KubeConfig (kubeconfig files, contexts, in-cluster
// accounts, credentials from tokens, certificates, exec and auth-provider plugins). The package's main module
// also loads its whole generated API client (about 55 MB of heap and 0.45 s of CPU at start-up), which
// KubeConfig does not use for what we call. `npm run build` bundles this module (scripts/build.mjs) with only
// the two pieces of the generated client that config.js imports; under tsx (the tests) it loads as it is.
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
