/**
 * @module
 * Opposites. Each axis has two poles of words; a request with a word of one pole meets a request
 * with a word of the other ("enable" / "disable", "over" / "under"). Axes marked `direction` are
 * comparisons and orderings, the rest are antonyms. Words are lemmatised at load, so any inflection
 * matches ("enabled", "disabling").
 *
 * Written by hand, not read from WordNet: the npm WordNet packages are tens of MB of data files
 * read with `fs` (nothing a Worker can load), and WordNet's antonym links miss most of the
 * vocabulary of requests (enable/disable, install/uninstall, upload/download, log in/log out).
 * Morphological opposites ("valid" / "invalid", "subscribe" / "unsubscribe") are found by rule in
 * `prefix-opposites.ts` rather than listed.
 */
import { lemma } from "./lemma.ts";

export type PolarReason = "direction" | "antonym";

interface AxisSpec {
  readonly reason: PolarReason;
  /**
   * Complementary pairs: "not X" means "Y" ("not open" is "closed", "not allowed" is "denied").
   * Gradable or converse pairs are not ("not hot" is not "cold", "not buy" is not "sell").
   */
  readonly complementary?: boolean;
  readonly plus: string;
  readonly minus: string;
}

const AXES: readonly AxisSpec[] = [
  // Comparisons, bounds and orderings.
  {
    reason: "direction",
    plus: "over above exceed exceeding beyond upward upwards",
    minus: "under below beneath underneath downward downwards",
  },
  {
    reason: "direction",
    plus: "more greater larger bigger big large huge high higher highest most greatest largest biggest maximum max maximize maximise maximal",
    minus:
      "less fewer small little tiny smaller low lower lowest least fewest smallest minimum min minimize minimise minimal",
  },
  {
    reason: "direction",
    plus: "increase increasing rise raise grow gain climb surge soar boost increment inflate accelerate ascend ascending up upgrade upload upstream",
    minus:
      "decrease decreasing fall drop decline reduce shrink slump plunge sink cut decrement deflate decelerate descend descending down downgrade download downstream",
  },
  {
    reason: "direction",
    plus: "before earlier prior previously pre beforehand",
    minus: "after later afterwards afterward post",
  },
  { reason: "direction", plus: "first earliest start beginning", minus: "last latest final end ending" },
  {
    reason: "direction",
    plus: "import importing inbound incoming ingress",
    minus: "export exporting outbound outgoing egress",
  },
  { reason: "direction", plus: "left", minus: "right" },
  { reason: "direction", plus: "north northern", minus: "south southern" },
  { reason: "direction", plus: "east eastern", minus: "west western" },
  { reason: "direction", plus: "top", minus: "bottom" },
  { reason: "direction", plus: "front ahead forward forwards", minus: "behind backward backwards rear" },
  { reason: "direction", plus: "horizontal horizontally", minus: "vertical vertically" },
  { reason: "direction", plus: "uppercase upper", minus: "lowercase" },
  // Switching things on and off, in and out.
  {
    reason: "antonym",
    complementary: true,
    plus: "on enable enabled activate turn-on switch-on",
    minus: "off disable disabled deactivate turn-off switch-off",
  },
  {
    reason: "antonym",
    plus: "in inside login log-in signin sign-in checkin inner interior internal",
    minus: "out outside logout log-out signout sign-out checkout outer exterior external",
  },
  { reason: "antonym", complementary: true, plus: "open opened reopen", minus: "close closed shut" },
  { reason: "antonym", plus: "start begin launch resume", minus: "stop end finish quit halt pause terminate" },
  {
    reason: "antonym",
    complementary: true,
    plus: "allow permit accept approve grant whitelist allowlist",
    minus: "deny block forbid prohibit reject refuse decline blacklist blocklist ban revoke",
  },
  { reason: "antonym", plus: "add insert append attach", minus: "remove delete erase detach subtract" },
  { reason: "antonym", complementary: true, plus: "include including", minus: "exclude excluding except" },
  { reason: "antonym", plus: "install", minus: "uninstall remove" },
  { reason: "antonym", complementary: true, plus: "show display reveal unhide", minus: "hide conceal" },
  { reason: "antonym", complementary: true, plus: "visible public", minus: "hidden invisible private" },
  { reason: "antonym", plus: "create make build", minus: "destroy delete demolish" },
  { reason: "antonym", plus: "save keep", minus: "discard" },
  { reason: "antonym", plus: "join enter arrive arrival arriving", minus: "leave exit depart departure departing" },
  { reason: "antonym", plus: "push", minus: "pull" },
  { reason: "antonym", plus: "send sending outgoing", minus: "receive receiving" },
  { reason: "antonym", plus: "buy purchase buying", minus: "sell selling" },
  { reason: "antonym", plus: "give", minus: "take" },
  { reason: "antonym", plus: "lend", minus: "borrow" },
  { reason: "antonym", complementary: true, plus: "win victory winner", minus: "lose defeat loser loss" },
  {
    reason: "antonym",
    complementary: true,
    plus: "pass succeed success successful",
    minus: "fail failure unsuccessful",
  },
  { reason: "antonym", complementary: true, plus: "agree", minus: "disagree" },
  { reason: "antonym", complementary: true, plus: "like love", minus: "dislike hate" },
  { reason: "antonym", complementary: true, plus: "true correct right", minus: "false incorrect wrong" },
  { reason: "antonym", complementary: true, plus: "safe safety", minus: "dangerous unsafe danger" },
  { reason: "antonym", plus: "good better best", minus: "bad worse worst" },
  { reason: "antonym", plus: "positive", minus: "negative" },
  {
    reason: "antonym",
    plus: "pro pros advantage advantages benefit benefits",
    minus: "con cons disadvantage disadvantages drawback drawbacks",
  },
  { reason: "antonym", plus: "hot warm heat", minus: "cold cool" },
  { reason: "antonym", plus: "wet", minus: "dry" },
  { reason: "antonym", plus: "full", minus: "empty" },
  { reason: "antonym", plus: "heavy", minus: "light lightweight" },
  { reason: "antonym", plus: "hard difficult", minus: "easy" },
  { reason: "antonym", plus: "hard", minus: "soft" },
  { reason: "antonym", plus: "simple", minus: "complex complicated" },
  { reason: "antonym", plus: "fast faster fastest quick quickly rapid", minus: "slow slower slowest slowly" },
  { reason: "antonym", plus: "early", minus: "late" },
  { reason: "antonym", plus: "long longer longest tall taller", minus: "short shorter shortest" },
  { reason: "antonym", plus: "wide broad", minus: "narrow" },
  { reason: "antonym", plus: "thick", minus: "thin" },
  { reason: "antonym", plus: "deep", minus: "shallow" },
  { reason: "antonym", plus: "young younger youngest", minus: "old older oldest elderly" },
  { reason: "antonym", plus: "new newer newest", minus: "old older oldest used" },
  { reason: "antonym", plus: "rich wealthy", minus: "poor" },
  { reason: "antonym", plus: "expensive costly", minus: "cheap cheaper cheapest inexpensive" },
  { reason: "antonym", plus: "strong stronger", minus: "weak weaker" },
  { reason: "antonym", plus: "happy glad", minus: "sad unhappy" },
  { reason: "antonym", plus: "clean", minus: "dirty" },
  { reason: "antonym", plus: "light bright", minus: "dark" },
  { reason: "antonym", plus: "black", minus: "white" },
  { reason: "antonym", plus: "day daytime", minus: "night nighttime" },
  {
    reason: "antonym",
    plus: "male man boy husband father son brother king gentleman he him his",
    minus: "female woman girl wife mother daughter sister queen lady she her hers",
  },
  { reason: "antonym", complementary: true, plus: "alive live living", minus: "dead die dying" },
  { reason: "antonym", complementary: true, plus: "asleep sleep sleeping", minus: "awake wake waking" },
  { reason: "antonym", plus: "sit sitting seated", minus: "stand standing" },
  { reason: "antonym", plus: "laugh laughing", minus: "cry crying" },
  { reason: "antonym", plus: "smile smiling", minus: "frown frowning" },
  { reason: "antonym", plus: "friend ally", minus: "enemy" },
  { reason: "antonym", plus: "near nearby close", minus: "far distant" },
  { reason: "antonym", complementary: true, plus: "present presence", minus: "absent absence missing" },
  { reason: "antonym", plus: "input", minus: "output" },
  { reason: "antonym", complementary: true, plus: "online", minus: "offline" },
  { reason: "antonym", complementary: true, plus: "local", minus: "remote" },
  { reason: "antonym", complementary: true, plus: "manual manually", minus: "automatic automatically" },
  { reason: "antonym", complementary: true, plus: "static", minus: "dynamic" },
  { reason: "antonym", complementary: true, plus: "synchronous sync", minus: "asynchronous async" },
  { reason: "antonym", plus: "singular", minus: "plural" },
  { reason: "antonym", plus: "odd", minus: "even" },
  { reason: "antonym", plus: "plus add multiply", minus: "minus subtract divide" },
  { reason: "antonym", complementary: true, plus: "permanent permanently", minus: "temporary temporarily" },
  { reason: "antonym", complementary: true, plus: "same similar identical equal", minus: "different distinct unequal" },
  { reason: "antonym", plus: "past", minus: "future" },
  { reason: "antonym", complementary: true, plus: "remember", minus: "forget" },
  { reason: "antonym", plus: "find", minus: "lose" },
  { reason: "antonym", plus: "attack offense", minus: "defend defense" },
  { reason: "antonym", plus: "float", minus: "sink" },
  { reason: "antonym", plus: "sunrise", minus: "sunset" },
  { reason: "antonym", plus: "encrypt encryption", minus: "decrypt decryption" },
  { reason: "antonym", plus: "encode encoding", minus: "decode decoding" },
  { reason: "antonym", plus: "compress compression", minus: "decompress decompression extract" },
  { reason: "antonym", plus: "mute", minus: "unmute" },
  { reason: "antonym", complementary: true, plus: "wired", minus: "wireless" },
  { reason: "antonym", plus: "inclusive", minus: "exclusive" },
];

export interface PolarEntry {
  readonly axis: number;
  readonly pole: 1 | -1;
  readonly reason: PolarReason;
  readonly complementary: boolean;
}

/** Lemma → the poles it belongs to (a word may sit on several axes: "close" is near and shut). */
export const POLAR: ReadonlyMap<string, readonly PolarEntry[]> = (() => {
  const map = new Map<string, PolarEntry[]>();
  AXES.forEach((spec, axis) => {
    for (const [pole, words] of [
      [1, spec.plus],
      [-1, spec.minus],
    ] as const) {
      for (const word of words.split(" ")) {
        const key = lemma(word);
        const list = map.get(key) ?? [];
        if (!list.some((e) => e.axis === axis && e.pole === pole)) {
          list.push({ axis, pole, reason: spec.reason, complementary: spec.complementary === true });
        }
        map.set(key, list);
      }
    }
  });
  return map;
})();

export function axisReason(axis: number): PolarReason {
  return AXES[axis]?.reason ?? "antonym";
}
