/** Characters of a client's input that a message repeats back at most. */
export const ECHO_CHARS = 200;

/**
 * A client's value as an error message repeats it: cut to 200 characters and an ellipsis, so that a
 * megabyte-long name does not come back in a megabyte-long message (or a stored failureReason).
 */
export function echo(value: unknown, max = ECHO_CHARS): string {
  const text = typeof value === 'string' ? value : safeString(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A message (or stored reason) cut to `max` characters, for text that may embed input. */
export function capMessage(message: string, max = 1000): string {
  return message.length > max ? `${message.slice(0, max)}… (cut at ${max} characters)` : message;
}
