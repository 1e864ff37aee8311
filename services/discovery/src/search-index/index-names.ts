/** The names discovery's indices get from DISCOVERY_INDEX_PREFIX. */
export interface IndexNames {
  /** The alias every search and write goes through; always over exactly one generation. */
  broadcasts: string;
  /** Over the generation a reindex is building, until it becomes `broadcasts`. */
  building: string;
  /** Prefix of the broadcast generations (`<prefix>broadcasts-<id>`). */
  generationPrefix: string;
  /** One document per account: profile, whom it follows, blocks either way. */
  accounts: string;
}

export function indexNames(prefix: string): IndexNames {
  return {
    broadcasts: `${prefix}broadcasts`,
    building: `${prefix}broadcasts-building`,
    generationPrefix: `${prefix}broadcasts-`,
    accounts: `${prefix}accounts`,
  };
}
