// Run from the repository, never deployed on its own: no generated package.json.
module.exports = require('../../webpack.node-app')(__dirname, { generatePackageJson: false });
