/**
 * @module
 * Units and currencies the verifier recognises after (or fused to) a number, each with a family
 * and a factor to the family's base unit, so "2 weeks" meets "14 days" and "1 km" meets
 * "1000 m". Currencies have no factor between each other: "$20" and "€20" are different prices.
 */

export interface UnitInfo {
  /** Canonical name, e.g. `km`, `usd`, `percent`. */
  readonly unit: string;
  /** Quantities of one family compare by value in the base unit. */
  readonly family: string;
  readonly factor: number;
  /** Clear enough to count without a number ("in miles" vs "in kilometres"). */
  readonly standalone: boolean;
}

const TABLE: Array<[family: string, unit: string, factor: number, standalone: boolean, spellings: string]> = [
  ["length", "mm", 0.001, true, "mm millimeter millimeters millimetre millimetres"],
  ["length", "cm", 0.01, true, "cm centimeter centimeters centimetre centimetres"],
  ["length", "m", 1, false, "m meter meters metre metres"],
  ["length", "km", 1000, true, "km kms kilometer kilometers kilometre kilometres"],
  ["length", "in", 0.0254, false, "inch inches"],
  ["length", "ft", 0.3048, true, "ft foot feet"],
  ["length", "yd", 0.9144, true, "yd yard yards"],
  ["length", "mi", 1609.344, true, "mi mile miles"],
  ["mass", "mg", 0.001, true, "mg milligram milligrams"],
  ["mass", "g", 1, false, "g gram grams gramme grammes"],
  ["mass", "kg", 1000, true, "kg kgs kilo kilos kilogram kilograms"],
  ["mass", "lb", 453.592, true, "lb lbs pound pounds"],
  ["mass", "oz", 28.3495, true, "oz ounce ounces"],
  ["mass", "t", 1_000_000, false, "ton tons tonne tonnes"],
  ["volume", "ml", 0.001, true, "ml milliliter milliliters millilitre millilitres"],
  ["volume", "l", 1, true, "l liter liters litre litres"],
  ["volume", "gal", 3.78541, true, "gal gallon gallons"],
  ["volume", "cup", 0.236588, false, "cup cups"],
  ["time", "ms", 0.001, false, "ms millisecond milliseconds"],
  ["time", "s", 1, false, "sec secs second seconds"],
  ["time", "min", 60, false, "min mins minute minutes"],
  ["time", "h", 3600, false, "h hr hrs hour hours"],
  ["time", "d", 86_400, false, "day days"],
  ["time", "wk", 604_800, false, "week weeks"],
  ["time", "mo", 2_629_800, false, "month months"],
  ["time", "yr", 31_557_600, false, "year years yr yrs"],
  ["time", "decade", 315_576_000, false, "decade decades"],
  ["time", "century", 3_155_760_000, false, "century centuries"],
  ["data", "b", 1, false, "byte bytes"],
  ["data", "kb", 1e3, true, "kb kilobyte kilobytes"],
  ["data", "mb", 1e6, true, "mb megabyte megabytes"],
  ["data", "gb", 1e9, true, "gb gigabyte gigabytes"],
  ["data", "tb", 1e12, true, "tb terabyte terabytes"],
  ["speed", "kmh", 1, true, "kph kmh km/h"],
  ["speed", "mph", 1.609344, true, "mph"],
  ["temperature-c", "c", 1, true, "c °c celsius centigrade"],
  ["temperature-f", "f", 1, true, "f °f fahrenheit"],
  ["angle", "deg", 1, false, "° degree degrees"],
  ["power", "w", 1, false, "w watt watts"],
  ["power", "kw", 1000, true, "kw kilowatt kilowatts"],
  ["energy", "kcal", 1, true, "kcal calorie calories cal"],
  ["frequency", "hz", 1, true, "hz hertz"],
  ["frequency", "ghz", 1e9, true, "ghz gigahertz"],
  ["percent", "percent", 1, false, "% percent pct per-cent"],
  ["currency-usd", "usd", 1, true, "$ usd dollar dollars buck bucks"],
  ["currency-eur", "eur", 1, true, "€ eur euro euros"],
  ["currency-gbp", "gbp", 1, true, "£ gbp sterling"],
  ["currency-jpy", "jpy", 1, true, "¥ jpy yen"],
  ["currency-cent", "cent", 1, false, "cent cents"],
];

export const UNITS: ReadonlyMap<string, UnitInfo> = new Map(
  TABLE.flatMap(([family, unit, factor, standalone, spellings]) =>
    spellings.split(" ").map((s) => [s, { unit, family, factor, standalone }] as const),
  ),
);

/** Scale words after a number: "3.5 million", "$2bn", "10k". */
export const SCALES: ReadonlyMap<string, number> = new Map([
  ["hundred", 100],
  ["thousand", 1e3],
  ["k", 1e3],
  ["million", 1e6],
  ["mn", 1e6],
  ["mil", 1e6],
  ["billion", 1e9],
  ["bn", 1e9],
  ["trillion", 1e12],
]);
