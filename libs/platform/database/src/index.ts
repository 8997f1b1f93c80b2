export * from './topology';
export * from './database.env';
export * from './orm';
export * from './migrate';
export * from './provision';
export * from './sql';
export * from './ids';
export * from './text-array.type';
