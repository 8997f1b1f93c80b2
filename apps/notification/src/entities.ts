import { Delivery } from './delivery/delivery.entity';
import { Notification } from './notifications/notification.entity';

export const entities = [Notification, Delivery];
