const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join, relative } = require('node:path');

/**
 * The webpack config of every deployable Node program here: one bundle of our code in
 * dist/<project root>, every npm package left external, and (unless turned off) a generated
 * package.json and lock file listing exactly what the bundle needs, so the folder deploys alone.
 */
module.exports = function nodeAppConfig(projectDir, options = {}) {
  return {
    output: { path: join(__dirname, 'dist', relative(__dirname, projectDir)), clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        // tsc, not a transpiler that drops it: Nest's dependency injection needs decorator metadata.
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        outputHashing: 'none',
        generatePackageJson: true,
        externalDependencies: 'all',
        optimization: false,
        sourceMap: true,
        ...options,
      }),
    ],
  };
};
