import type ts from 'typescript';
export declare const runtimeDir: string;
export declare const supportModule: string;
export declare function nativeRuntimeFiles(tsApi?: typeof ts): Set<string>;
export declare function isCompiledRuntimeFile(fileName: string, native: Set<string>): boolean;
export declare function supportSpecifierFor(fileName: string): string;
