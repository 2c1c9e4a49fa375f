//! Wrong solutions to the exercise (filled in below).
