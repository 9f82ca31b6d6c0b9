/**
 * @module
 * A trie over the code points of vocabulary pieces, answering "which pieces start here?"
 * for the unigram lattice.
 */

/** A vocabulary piece that ends at a trie node. */
export interface PieceMatch {
  /** Piece id (its index in the vocabulary). */
  readonly id: number;
  readonly score: number;
  /** Length in code points: how many input symbols the piece covers. */
  readonly symbolCount: number;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  match: PieceMatch | undefined;
}

function newNode(): TrieNode {
  return { children: new Map(), match: undefined };
}

export class PieceTrie {
  private readonly root: TrieNode = newNode();

  /** Adds a piece; a later piece with the same text replaces the earlier one (as the reference does). */
  insert(piece: string, score: number, id: number): void {
    const symbols = Array.from(piece);
    let node = this.root;
    for (const symbol of symbols) {
      let child = node.children.get(symbol);
      if (child === undefined) {
        child = newNode();
        node.children.set(symbol, child);
      }
      node = child;
    }
    node.match = { id, score, symbolCount: symbols.length };
  }

  /** Every piece that is a prefix of `symbols[start..]`, shortest first. */
  prefixMatches(symbols: readonly string[], start: number): PieceMatch[] {
    const matches: PieceMatch[] = [];
    let node = this.root;
    for (let i = start; i < symbols.length; i++) {
      const symbol = symbols[i];
      const child = symbol === undefined ? undefined : node.children.get(symbol);
      if (child === undefined) {
        break;
      }
      node = child;
      if (node.match !== undefined) {
        matches.push(node.match);
      }
    }
    return matches;
  }
}
