module.exports = { ...require('../../jest.preset.js'), displayName: 'backtesting', rootDir: __dirname };
