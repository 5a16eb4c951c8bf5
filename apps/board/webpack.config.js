const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/board'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      outputHashing: 'none',
      generatePackageJson: true,
      // @bull-board/api finds the UI's static files with a require.resolve hidden from webpack,
      // so nothing in the bundle names @bull-board/ui; list it so the deployed folder has it.
      runtimeDependencies: ['@bull-board/ui'],
      externalDependencies: 'all',
      optimization: false,
      sourceMap: true,
    }),
  ],
};
