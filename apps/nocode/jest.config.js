module.exports = { ...require('../../jest.preset.js'), displayName: 'nocode', rootDir: __dirname };
