/** The screens the studio is laid out for (issue 11): a laptop and a phone, CSS pixels. */
export const LAPTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
