// The one error type the ELF/BTF loader throws: every message starts with the file path and
// names the section, symbol or relocation at fault, so bad input never surfaces as a bare
// TypeError/RangeError from a DataView.

export class ElfError extends Error {
  override name = 'ElfError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}
