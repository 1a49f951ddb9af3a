import { randomInt } from "node:crypto";

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Letters in a new short link's id: 52^8 ≈ 5·10^13 ids, so guessing a live one is hopeless. */
export const SHORT_ID_LENGTH = 8;

/** A new random id (crypto-strong, uniform over the letters). */
export function newShortId(length: number = SHORT_ID_LENGTH): string {
  let id = "";
  for (let i = 0; i < length; i++) id += LETTERS[randomInt(LETTERS.length)];
  return id;
}
