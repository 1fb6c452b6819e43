/** Schema of a service's `build:` (a context string or the long form). */
import {
  anyOfTypes,
  fileRefs,
  listOfStrings,
  listOrDict,
  mapping,
  orTypes,
  str,
  stringOrList,
  type Shape,
} from './schema-shapes.js';
import { EXTRA_HOSTS, ULIMITS } from './ignored-shapes.js';

/** `services.*.build`. */
export const BUILD_SCHEMA: Shape = orTypes(
  mapping({
    context: str(),
    dockerfile: str(),
    dockerfile_inline: str(),
    args: listOrDict(),
    target: str(),
    labels: listOrDict(),
    // Accepted as Compose defines them, not acted on (see support.ts).
    additional_contexts: listOrDict(),
    cache_from: listOfStrings(false),
    cache_to: listOfStrings(false),
    entitlements: listOfStrings(false),
    extra_hosts: EXTRA_HOSTS,
    isolation: str(),
    network: str(),
    no_cache: anyOfTypes('boolean', 'string'),
    no_cache_filter: stringOrList(),
    platforms: listOfStrings(false),
    privileged: anyOfTypes('boolean', 'string'),
    provenance: anyOfTypes('string', 'boolean'),
    pull: anyOfTypes('boolean', 'string'),
    sbom: anyOfTypes('string', 'boolean'),
    secrets: fileRefs(),
    shm_size: anyOfTypes('integer', 'string'),
    ssh: listOrDict(),
    tags: listOfStrings(false),
    ulimits: ULIMITS,
  }),
  ['string'],
  'a build context path or a mapping',
);
