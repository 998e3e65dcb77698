/** Context keys through which `personalize-retrain diff|deploy|destroy` select the app's pipeline. */
export const STACK_NAME_CONTEXT = 'personalize-retrain:stackName';
export const PARAMS_FILE_CONTEXT = 'personalize-retrain:paramsFile';
