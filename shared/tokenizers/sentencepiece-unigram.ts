/**
 * @module
 * The SentencePiece unigram tokenizer of the Universal Sentence Encoder (lite), written to give
 * exactly the ids of the reference JavaScript implementation (tfjs-models / @energetic-ai/embeddings),
 * including its quirks, because the model was trained and published with those ids.
 * Web-standard APIs only: it runs in workerd, browsers and Node.
 */
import { PieceTrie, type PieceMatch } from "./piece-trie.ts";
import { SentencePieceVocabSchema, type SentencePieceVocab } from "./sentencepiece-vocab.ts";

/** The reference gives an unknown character this score, which beats every real (negative) score. */
const UNKNOWN_SCORE = 0;

interface LatticeEdge {
  readonly id: number;
  readonly score: number;
  readonly symbolCount: number;
}

export class SentencePieceUnigramTokenizer {
  private readonly trie = new PieceTrie();
  /** UTF-16 length of each piece's text: the reference steps back by it when reading the best path. */
  private readonly pieceTextLength: readonly number[];
  private readonly unkId: number;
  private readonly spaceSymbol: string;
  private readonly normalization: SentencePieceVocab["normalization"];

  /** `vocab` is the parsed `vocab.json` shipped with the model; it is validated here. */
  constructor(vocab: unknown) {
    const parsed = SentencePieceVocabSchema.parse(vocab);
    this.unkId = parsed.unk_id;
    this.spaceSymbol = parsed.space_symbol;
    this.normalization = parsed.normalization;
    this.pieceTextLength = parsed.pieces.map(([text]) => text.length);
    for (let id = parsed.reserved_count; id < parsed.pieces.length; id++) {
      const piece = parsed.pieces[id];
      if (piece !== undefined) {
        this.trie.insert(piece[0], piece[1], id);
      }
    }
  }

  /** Token ids of one text, without any start/end markers (USE-lite uses none). */
  encode(text: string): number[] {
    const symbols = Array.from(this.preprocess(text));
    const n = symbols.length;

    // Edges of the lattice grouped by end position, in ascending start order (the order the
    // reference visits them in, which decides ties).
    const edgesByEnd: LatticeEdge[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      const matches: readonly PieceMatch[] = this.trie.prefixMatches(symbols, start);
      if (matches.length === 0) {
        edgesByEnd[start + 1]?.push({ id: this.unkId, score: UNKNOWN_SCORE, symbolCount: 1 });
        continue;
      }
      for (const match of matches) {
        edgesByEnd[start + match.symbolCount]?.push(match);
      }
    }

    // Viterbi as the reference does it: 0 means "not reached yet", and ties go to the later edge.
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      for (const edge of edgesByEnd[end] ?? []) {
        const score = edge.score + (best[end - edge.symbolCount] ?? 0);
        const current = best[end] ?? 0;
        if (current === 0 || score >= current) {
          best[end] = score;
          bestId[end] = edge.id;
        }
      }
    }

    // Walk back from the end. The reference steps by the piece's UTF-16 length, not by the edge.
    const reversed: number[] = [];
    let position = n;
    while (position > 0) {
      const id = bestId[position] ?? this.unkId;
      reversed.push(id);
      position -= this.pieceTextLength[id] ?? 1;
    }

    // Runs of unknown pieces collapse into one.
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      const unknown = id === this.unkId;
      if (!(previousUnknown && unknown)) {
        ids.push(id);
      }
      previousUnknown = unknown;
    }
    return ids.toReversed();
  }

  private preprocess(text: string): string {
    const normalized = this.normalization === "NFKC" ? text.normalize("NFKC") : text;
    if (normalized.length === 0) {
      return normalized;
    }
    return this.spaceSymbol + normalized.replaceAll(" ", this.spaceSymbol);
  }
}
