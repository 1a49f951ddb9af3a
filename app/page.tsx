export default function HomePage() {
  return <h1>Cellar</h1>;
}
