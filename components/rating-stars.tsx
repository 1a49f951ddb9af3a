/**
 * A read-only rating: "★ 4.3 (12)", read out as "Rated 4.3 of 5 by 12 people"; nothing before
 * the first rating (`average` null), so callers pass a summary's `rating` as it is.
 */
export function RatingStars({ average, count }: { average: number | null; count: number }) {
  if (average === null) return null;
  return (
    <span className="rating-stars" role="img" aria-label={`Rated ${average.toFixed(1)} of 5 by ${count} ${count === 1 ? "person" : "people"}`}>
      <span aria-hidden="true">
        <span className="rating-stars__star">★</span> {average.toFixed(1)} ({count})
      </span>
    </span>
  );
}
