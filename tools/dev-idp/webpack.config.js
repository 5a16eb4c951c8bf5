module.exports = require('../../webpack.node-app')(__dirname);
