// The map JSON format (docs/map-json.md).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [field: string]: JsonValue };

// A type alias, not an interface, so an entry list is itself a JsonValue (inline inner maps).
export type MapEntryJson = {
  key: JsonValue;
  value: JsonValue;
};

/** One map's contents: its entries, sorted (see docs/map-json.md). */
export type MapContentsJson = MapEntryJson[];

/** A whole file: map name -> contents. */
export type MapsJson = Record<string, MapContentsJson>;
