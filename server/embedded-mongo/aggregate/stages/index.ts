// Every stage of MongoDB 7.0 by name: parsed here, or refused with the error mongod (or, for
// what the store does not do, a clear 238 NotImplemented) gives.
import type { StageParser } from '../stage';
import { parseBucket, parseBucketAuto } from './bucket';
import { parseFacet } from './facet';
import { parseGroup, parseSortByCount } from './group';
import { parseGraphLookup, parseLookup, parseUnionWith } from './lookup';
import { parseAddFields, parseProject, parseUnset } from './projection';
import { parseCount, parseLimit, parseMatch, parseRedact, parseReplaceRoot, parseSample, parseSkip } from './simple';
import { parseSort } from './sort';
import { parseDocuments, refusal } from './sources';
import { parseUnwind } from './unwind';
import { parseDensifyStage } from './densify';
import { parseFill } from './fill';
import { parseSetWindowFields } from './window';
import { parseMerge, parseOut } from './writes';

const notImplemented = (name: string): StageParser => refusal('NotImplemented', `${name} is not supported by the embedded store`);

/** Stages that need the collection the pipeline runs on are built by the pipeline itself. */
export const COLLECTION_STAGES = new Set(['$collStats', '$indexStats', '$planCacheStats']);

export const STAGES: Record<string, StageParser> = {
  $addFields: (spec, parse) => parseAddFields(spec, parse, '$addFields'),
  $set: (spec, parse) => parseAddFields(spec, parse, '$set'),
  $bucket: parseBucket,
  $bucketAuto: parseBucketAuto,
  $count: parseCount,
  $documents: parseDocuments,
  $facet: parseFacet,
  $graphLookup: parseGraphLookup,
  $group: parseGroup,
  $limit: parseLimit,
  $lookup: parseLookup,
  $match: parseMatch,
  $merge: parseMerge,
  $out: parseOut,
  $project: parseProject,
  $redact: parseRedact,
  $replaceRoot: (spec, parse) => parseReplaceRoot(spec, parse, '$replaceRoot'),
  $replaceWith: (spec, parse) => parseReplaceRoot(spec, parse, '$replaceWith'),
  $sample: parseSample,
  $skip: parseSkip,
  $sort: parseSort,
  $sortByCount: parseSortByCount,
  $unionWith: parseUnionWith,
  $unset: parseUnset,
  $unwind: parseUnwind,
  // What a standalone mongod answers: change streams need a replica set; `watch()` falls back on 40573.
  $changeStream: refusal(40573, 'The $changeStream stage is only supported on replica sets'),
  $currentOp: notImplemented('$currentOp'),
  $listSessions: notImplemented('$listSessions'),
  $listLocalSessions: notImplemented('$listLocalSessions'),
  $densify: parseDensifyStage,
  $fill: parseFill,
  $setWindowFields: parseSetWindowFields,
  $geoNear: notImplemented('$geoNear'),
  $search: notImplemented('$search'),
  $searchMeta: notImplemented('$searchMeta'),
  $vectorSearch: notImplemented('$vectorSearch'),
  $listSearchIndexes: notImplemented('$listSearchIndexes'),
  $shardedDataDistribution: notImplemented('$shardedDataDistribution'),
  $listSampledQueries: notImplemented('$listSampledQueries'),
};

/** Stages that only make sense as the first of a pipeline. */
export const FIRST_ONLY = new Set(['$documents', '$collStats', '$indexStats', '$changeStream', '$currentOp', '$listSessions', '$listLocalSessions', '$planCacheStats', '$geoNear', '$search', '$searchMeta', '$vectorSearch', '$listSearchIndexes']);

/** Stages that write: only last, never inside $facet, $lookup or $unionWith. */
export const WRITE_STAGES = new Set(['$out', '$merge']);

/** Stages refused inside $facet. */
export const NOT_IN_FACET = new Set(['$collStats', '$facet', '$geoNear', '$indexStats', '$out', '$merge', '$planCacheStats', '$changeStream', '$search', '$searchMeta', '$unionWith', '$documents']);
