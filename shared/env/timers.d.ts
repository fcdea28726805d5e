// shared/ is compiled with neither DOM nor Node types; both runtimes have these.
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
