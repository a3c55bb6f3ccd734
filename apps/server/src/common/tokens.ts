/** DI tokens for values that are not classes. */
export const CONFIG = Symbol('CONFIG');
export const DATABASE = Symbol('DATABASE');
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
export const LOGGER = Symbol('LOGGER');
