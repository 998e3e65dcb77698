/**
 * Why an import job failed, written for the person who owns the file: which object, which line
 * (1-based, the header is line 1), which column, and what was expected. The text becomes the job's
 * `failureReason` unchanged.
 */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value that breaks its field's rule; the importer adds the file and line it came from. */
export class FieldValueError extends Error {
  constructor(
    readonly column: string,
    readonly expected: string,
    readonly value: string,
  ) {
    super(`column ${column}: expected ${expected}, got '${preview(value)}'`);
    this.name = new.target.name;
  }
}

/** A CSV syntax problem at a physical line of the file. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = new.target.name;
  }
}

/** Long values are cut so that a failure reason stays readable. */
export function preview(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
}
