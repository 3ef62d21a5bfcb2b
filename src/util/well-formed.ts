/**
 * Node 20's `String.prototype.isWellFormed` / `toWellFormed` (ES2024; the ES2023 lib this project
 * compiles against does not declare them). A string is well formed when it holds no lone UTF-16
 * surrogate: such a string cannot be percent-encoded (`encodeURIComponent` throws) nor written as
 * UTF-8 without loss.
 */
const native = String.prototype as unknown as {
  isWellFormed(this: string): boolean;
  toWellFormed(this: string): string;
};

export function isWellFormed(text: string): boolean {
  return native.isWellFormed.call(text);
}

/** The text with each lone surrogate replaced by U+FFFD. */
export function toWellFormed(text: string): string {
  return native.toWellFormed.call(text);
}
