// Error raised for unreadable sample inputs (NPY arrays, images).

/** A sample input that cannot be decoded; the message is a plain-English one-liner. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}
