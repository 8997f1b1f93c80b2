module.exports = { ...require('../../../jest.preset.js'), displayName: 'platform-jobs', rootDir: __dirname };
