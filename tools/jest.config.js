// tools/k8s/cluster.spec.ts needs the control plane tools/k8s/cluster.sh starts (it runs the file
// with ALPHINTRA_KUBECONFIG set); the project's ordinary run leaves it out.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tools',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.ALPHINTRA_KUBECONFIG ? [] : ['/tools/k8s/cluster\\.spec\\.ts$'])],
};
