/**
 * The JSON value type the protobuf decoder produces, kept apart so the converter modules
 * and callers share one definition without importing each other.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonObject = { [key: string]: Json };
