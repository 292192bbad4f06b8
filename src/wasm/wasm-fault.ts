// A fault raised from inside a wasm run by one of the imports; it unwinds through the wasm
// frames and becomes the run's fault result.

export class WasmFault extends Error {
  constructor(readonly kind: string, readonly pc: number, message: string) {
    super(message);
  }
}

/** A helper asked to end the program (the conformance "unwind" helper); r0 = 0. */
export class WasmUnwind extends Error {
  constructor(readonly insnCount: number) {
    super('unwind');
  }
}
