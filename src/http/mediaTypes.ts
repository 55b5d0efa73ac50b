/** Graph's JSON content type (https://learn.microsoft.com/graph/api/overview: OData minimal metadata, streamed); SDKs only look for `application/json` in it. */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
