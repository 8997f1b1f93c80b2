export const hello = (): string => 'money';
