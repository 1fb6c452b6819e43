/** @berth/agent */
export {};
