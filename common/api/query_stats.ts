/* Field breakdown of a query's hits (elastic-recheck's `query` command). */
export interface FieldValueShare {
  /** The value as elastic-recheck printed it (lists joined by spaces). */
  value: string;
  count: number;
  /** count / documents having the field, in percent (not rounded). */
  percent: number;
}

export interface FieldBreakdown {
  field: string;
  /** Hits that have this field. */
  total: number;
  /** Most frequent values first, ties by value. */
  values: FieldValueShare[];
  /** Upper bound of a top value's count error when merged across shards; 0 means exact. */
  countError: number;
}

export interface QueryStatsResult {
  totalHits: number;
  fields: FieldBreakdown[];
  took: number;
}
