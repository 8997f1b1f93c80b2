module.exports = { ...require('../../jest.preset.js'), displayName: 'strategy-client', rootDir: __dirname };
