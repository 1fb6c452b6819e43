/**
 * berth's stack-file schema (JSON Schema draft-07 plus berth's annotations, see berth-ajv.ts):
 * everything valid under the Compose Specification, with precise shapes for the keys berth acts
 * on. It validates the merged, interpolated model. Which keys berth acts on is in support.ts;
 * a test keeps the two in step.
 */
import { IPAM, MODEL } from './ignored-shapes.js';
import {
  anyOfTypes,
  bool,
  listOrDict,
  mapping,
  nameMap,
  optionMap,
  str,
  stringOrList,
  type Shape,
} from './schema-shapes.js';
import { SERVICES_SCHEMA } from './service-schema.js';

/** `external:` of networks, volumes, secrets and configs (a mapping is the old form). */
const EXTERNAL: Shape = {
  ...mapping({ name: str() }),
  type: ['boolean', 'string', 'object'],
  coerce: 'boolean',
  expected: 'true, false or a mapping with "name"',
};

const NETWORK: Shape = {
  ...mapping({
    name: str(),
    driver: str(),
    driver_opts: optionMap(),
    ipam: IPAM,
    external: EXTERNAL,
    internal: bool(),
    enable_ipv4: anyOfTypes('boolean', 'string'),
    enable_ipv6: bool(),
    attachable: bool(),
    labels: listOrDict(),
  }),
  type: ['object', 'null'],
};

const VOLUME: Shape = {
  ...mapping({
    name: str(),
    driver: str(),
    driver_opts: optionMap(),
    external: EXTERNAL,
    labels: listOrDict(),
  }),
  type: ['object', 'null'],
};

const SECRET: Shape = mapping({
  name: str(),
  environment: str(),
  file: str(),
  external: EXTERNAL,
  labels: listOrDict(),
  driver: str(),
  driver_opts: optionMap(),
  template_driver: str(),
});

const CONFIG: Shape = mapping({
  name: str(),
  content: str(),
  environment: str(),
  file: str(),
  external: EXTERNAL,
  labels: listOrDict(),
  template_driver: str(),
});

const INCLUDE: Shape = {
  type: 'array',
  items: {
    ...mapping(
      { path: stringOrList(), env_file: stringOrList(), project_directory: str() },
      { extensions: false },
    ),
    type: ['string', 'object'],
    expected: 'a path or a mapping with "path"',
  },
};

/** The whole stack file. */
export const BERTH_SCHEMA: Shape = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'berth-stack-file.json',
  ...mapping({
    // Obsolete; a number is accepted too since berth ignores it anyway.
    version: anyOfTypes('string', 'number'),
    name: str(),
    include: INCLUDE,
    services: SERVICES_SCHEMA,
    // Compose does not restrict network and model names, so neither does berth.
    networks: { type: 'object', additionalProperties: NETWORK },
    volumes: nameMap(VOLUME, 'volume name'),
    secrets: nameMap(SECRET, 'secret name'),
    configs: nameMap(CONFIG, 'config name'),
    models: { type: 'object', additionalProperties: MODEL },
  }),
};
