/** A service's consumer group: one per service and topic prefix, shared by its replicas. */
export const consumerGroupOf = (service: string, topicPrefix = ''): string => `${topicPrefix}${service}-service`;
