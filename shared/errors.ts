// Typed errors that cross module boundaries. Each carries a stable `code`; HTTP layers map `status`.

export class EdgerecError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input data that cannot be parsed: names the source and line where known. */
export class DataError extends EdgerecError {
  constructor(message: string) {
    super("bad_data", message, 400);
  }
}

/** An artifact file that fails a check (magic, version, size, checksum, schema). `check` names which. */
export class ArtifactError extends EdgerecError {
  constructor(
    readonly check: string,
    message: string,
  ) {
    super("bad_artifact", message, 422);
  }
}
