module.exports = { ...require('../../jest.preset.js'), displayName: 'devinfra', rootDir: __dirname };
