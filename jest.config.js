const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

// One Jest run over every project, so that `npm test` prints one summary.
const projects = ['apps', 'libs', 'tools'].flatMap((group) =>
  readdirSync(join(__dirname, group))
    .map((name) => join(group, name, 'jest.config.js'))
    .filter((file) => existsSync(join(__dirname, file))),
);

module.exports = { projects: projects.map((file) => `<rootDir>/${file}`) };
