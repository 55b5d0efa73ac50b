/** Graph's JSON content type (https://learn.microsoft.com/graph/api/overview: OData minimal metadata, streamed); SDKs only look for `application/json` in it. */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** GRAPH_JSON for a response shaped at another `odata.metadata` level (http/odata/metadataLevel.ts): the Content-Type names the level served. */
export const graphJsonAt = (level: 'none' | 'minimal' | 'full'): string => GRAPH_JSON.replace('odata.metadata=minimal', `odata.metadata=${level}`);
