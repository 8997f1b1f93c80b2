module.exports = { ...require('../../jest.preset.js'), displayName: 'market-calendar', rootDir: __dirname };
