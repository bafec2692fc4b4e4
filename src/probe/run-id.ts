import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Makes a run id in the form the gate uses: 8 lowercase letters and digits. */
export function randomRunId(): string {
	return [...randomBytes(8)]
		.map((byte) => ALPHABET[byte % ALPHABET.length])
		.join("");
}
