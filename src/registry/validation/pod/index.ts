// Pod-spec validation, defaulting and warnings shared by Pod and every template-carrying kind.
export { validatePodSpec, validatePodTemplateSpec, validateTolerations } from './podspec.js';
export { validatePodSpecUpdate, UPDATABLE_POD_SPEC_FIELDS } from './update.js';
export { validateImagesOnlyForPod, validatePortNumOrName, isValidPortNum, isValidPortName, nonNegative, NEGATIVE_ERROR } from './containers.js';
export { setPodSpecDefaults, setPodOnlyDefaults, setContainerDefaults, imageTag } from './defaults.js';
export { computePodQOS, type QOSClass } from './qos.js';
export { podSpecWarnings } from './warnings.js';
export { goStringMap, goIntOrString, goLabelSelector, goStringSlice, raw } from './gofmt.js';
export type * from './types.js';
