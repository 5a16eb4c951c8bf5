module.exports = require('../../webpack.node-app')(__dirname, {
  // @bull-board/api finds the UI's static files with a require.resolve hidden from webpack,
  // so nothing in the bundle names @bull-board/ui; list it so the deployed folder has it.
  runtimeDependencies: ['@bull-board/ui'],
});
