module.exports = { ...require('../../jest.preset.js'), displayName: 'platform-integration', rootDir: __dirname };
